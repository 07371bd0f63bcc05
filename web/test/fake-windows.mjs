// Test plumbing: browser windows reduced to what window.postMessage guarantees, so the embed
// messages can be tested in Node.
//
// - A `Win` has an origin (changed by `navigate`) and `message` listeners.
// - `view(target, viewer)` is `target` as `viewer` sees it (a WindowProxy): posting through it
//   delivers to `target` an event whose `origin` is the viewer's origin at the time of posting
//   and whose `source` is `view(viewer, target)`, the same object each time, so `event.source
//   === theWindowIHold` comparisons work as in a browser.
// - The target origin is enforced: the message is dropped unless it names the target's
//   current origin. `*` is recorded in `starPosts` (tests assert it never happens).
// - Delivery is asynchronous (a macrotask), data is structured-cloned, ports are transferred.

const views = new WeakMap();

export const starPosts = [];

export class Win {
  origin;
  name;
  #listeners = new Set();
  /** Every message delivered to this window, for assertions. */
  received = [];
  /** Every message dropped on its way here by the target-origin check. */
  dropped = [];

  constructor(origin, name = origin) {
    this.origin = origin;
    this.name = name;
  }

  /** The window now holds a document of another origin. */
  navigate(origin) {
    this.origin = origin;
  }

  listen(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  deliver(event) {
    this.received.push(event);
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/** `target` as seen from `viewer`. */
export function view(target, viewer) {
  let byViewer = views.get(target);
  if (byViewer === undefined) {
    byViewer = new WeakMap();
    views.set(target, byViewer);
  }
  let proxy = byViewer.get(viewer);
  if (proxy === undefined) {
    proxy = {
      postMessage(data, targetOrigin, transfer = []) {
        if (targetOrigin === '*') starPosts.push({ from: viewer.name, to: target.name, data });
        const origin = viewer.origin;
        const ports = transfer.filter((item) => typeof item?.postMessage === 'function');
        const cloned = structuredClone(data);
        setTimeout(() => {
          const event = { data: cloned, origin, source: view(viewer, target), ports };
          if (targetOrigin !== '*' && targetOrigin !== target.origin) {
            target.dropped.push(event);
            for (const port of ports) port.close();
            return;
          }
          target.deliver(event);
        }, 0);
      },
      get target() {
        return target;
      },
    };
    byViewer.set(viewer, proxy);
  }
  return proxy;
}

/** A popup as `window.open` returns it. */
export class FakePopup {
  closed = false;
  focused = 0;
  constructor(win) {
    this.win = win;
  }
  focus() {
    this.focused += 1;
  }
  close() {
    this.closed = true;
  }
}
