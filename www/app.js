// Main thread: owns the DOM, never the keys. It asks the Worker for results by message.

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

let nextId = 1;
const pending = new Map();

worker.addEventListener('message', (event) => {
  const { id, result, error } = event.data;
  const call = pending.get(id);
  if (!call) return;
  pending.delete(id);
  if (error) call.reject(new Error(error.message));
  else call.resolve(result);
});

worker.addEventListener('error', (event) => {
  showError(`Worker failed: ${event.message ?? 'could not start'}`);
});

function request(method) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, method });
  });
}

const $ = (id) => document.getElementById(id);

function showError(message) {
  document.body.dataset.state = 'error';
  $('status').textContent = message;
}

async function refresh() {
  $('again').disabled = true;
  try {
    const { ethereum, solana } = await request('demo_addresses');
    $('ethereum').textContent = ethereum;
    $('solana').textContent = solana;
    const version = await request('version');
    $('status').textContent = `custodian-wasm ${version}, running in a Worker.`;
    document.body.dataset.state = 'ready';
  } catch (err) {
    showError(`Could not generate keys: ${err.message}`);
  } finally {
    $('again').disabled = false;
  }
}

$('again').addEventListener('click', refresh);
refresh();
