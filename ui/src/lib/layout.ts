/** Height of one inbox row in CSS pixels; the virtual list depends on it. */
export const ROW_HEIGHT = 80;

/** Rows rendered beyond each edge of the viewport. */
export const OVERSCAN = 8;
