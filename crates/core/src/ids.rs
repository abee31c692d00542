//! Record ids: UUIDv7, so ids sort roughly by creation time and never collide across laptops.

/// A fresh UUIDv7 in its lowercase hyphenated form.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Checks that `value` is a UUID and returns it in canonical lowercase form.
pub fn parse_id(field: &'static str, value: &str) -> crate::Result<String> {
    uuid::Uuid::parse_str(value.trim())
        .map(|u| u.to_string())
        .map_err(|_| crate::Error::invalid(field, format!("'{value}' is not an id (ids look like 0192f3a4-…)")))
}
