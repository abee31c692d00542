// end-to-end tests come next
