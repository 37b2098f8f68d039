/**
 * React context carrying the injected API and store, and the hooks that read them.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { TwofoldApi } from '../../common/api-contract';
import type { AppActions, AppState, AppStore } from './app-store';

/** What the app is built over: the API and the store made from it. */
export interface AppServices {
  api: TwofoldApi;
  store: AppStore;
}

/** Provides AppServices to the tree; set once in main.tsx. */
export const AppServicesContext = createContext<AppServices | null>(null);

function useServices(): AppServices {
  const services = useContext(AppServicesContext);
  if (!services) throw new Error('AppServicesContext is not provided');
  return services;
}

/** The typed API, for forms that need a call's own result or error. */
export function useApi(): TwofoldApi {
  return useServices().api;
}

/** Selects a slice of the app state; the component re-renders only when the slice changes. */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useServices().store, selector);
}

/** The store's actions (a stable object). */
export function useActions(): AppActions {
  return useStore(useServices().store, (state) => state.actions);
}

/** The store itself, for reading a snapshot without subscribing (e.g. inside effects). */
export function useAppStore(): AppStore {
  return useServices().store;
}
