let counter = 0;

/** An id no other test uses, in this run or a parallel one: letters, digits and `-` after `prefix`. */
export const uniqueId = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
