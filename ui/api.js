// The only module that talks to Kinship's core. Every call returns the core's answer, or
// throws an ApiError whose message says what to do.

const invoke = window.__TAURI__?.core?.invoke;

/** An error from the core, in the `{code, message, field}` shape every command uses. */
export class ApiError extends Error {
  constructor({ code, message, field }) {
    super(message);
    this.code = code;
    this.field = field ?? null;
  }
}

// Codes whose core message is not enough on its own for a person at the window.
const ADVICE = {
  storage: 'Your data is safe as last saved. Try again; if it keeps happening, restart Kinship.',
  io: 'Check that the disk is not full and that Kinship may write to its data folder.',
};

async function call(command, args = {}) {
  if (!invoke) throw new ApiError({ code: 'no_backend', message: 'Kinship’s core is not reachable from this window. Start Kinship from its app icon.' });
  try {
    return await invoke(command, args);
  } catch (raw) {
    const err = typeof raw === 'object' && raw ? raw : { code: 'unknown', message: String(raw) };
    const advice = ADVICE[err.code];
    throw new ApiError({ ...err, message: advice ? `${err.message} ${advice}` : err.message });
  }
}

export const api = {
  getIdentity: () => call('get_identity'),
  createIdentity: (input) => call('create_identity', { input }),
  listCircles: () => call('list_circles'),
  createCircle: (input) => call('create_circle', { input }),
};
