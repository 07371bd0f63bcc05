// Files in and out of the page. Downloads are Blob URLs clicked through `<a download>`: no
// request leaves the page, and the URL is revoked right after.

/**
 * Offers `content` as a file download.
 * @param {string} name
 * @param {BlobPart} content
 * @param {string} type
 */
export function download(name, content, type) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The bytes of a file the user picked.
 * @param {File} file
 * @returns {Promise<Uint8Array>}
 */
export async function readBytes(file) {
  return new Uint8Array(await file.arrayBuffer());
}

/** Today as YYYY-MM-DD, for file names. */
export function today() {
  return new Date().toISOString().slice(0, 10);
}
