// A Worker that speaks the wallet protocol's envelope with no wallet behind it: it answers
// `init` with `ready` and every request with a fixed result, so the client's own cost can be
// told apart from the host's and the core's (bench/browser/rpc-parts.mjs).
self.onmessage = ({ data }) => {
  if (data.type === 'init') self.postMessage({ v: data.v, type: 'ready' });
  else self.postMessage({ v: data.v, type: 'response', id: data.id, result: '0x1' });
};
