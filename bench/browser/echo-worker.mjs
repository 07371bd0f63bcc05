// The floor of any Worker RPC: a module Worker that posts every message straight back.
self.onmessage = ({ data }) => self.postMessage(data);
