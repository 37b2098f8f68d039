/**
 * The preload: exposes `window.twofold`, built from the API contract, and nothing else.
 * ipcRenderer itself never reaches the page; each exposed method is bound to its one channel.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildExposedApi, type Envelope, type Transport } from '../common/api-bridge';

const transport: Transport = {
  invoke: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Envelope>,
  subscribe(channel, listener) {
    // The page's listener receives the payload only, never the IpcRendererEvent (which has `sender`).
    const handler = (_event: IpcRendererEvent, payload: unknown): void => {
      listener(payload);
    };
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
};

contextBridge.exposeInMainWorld('twofold', buildExposedApi(transport));
