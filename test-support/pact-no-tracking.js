// Jest setupFiles: runs in every test worker before the test file is loaded.
// Pact JS reports usage to the Pact Foundation unless told not to; the tests run offline.
process.env.PACT_DO_NOT_TRACK = 'true';
