/**
 * jsdom has no canvas and no ResizeObserver. Give Chart.js a do-nothing 2D context so the real
 * react-chartjs-2 components (and their in-place update/destroy lifecycle) run in unit tests.
 */
import { afterEach, vi } from 'vitest';
import { cleanup } from '@testing-library/react';
import { setVsCodeApi } from '../../../webview/src/vscode';

function fakeContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const gradient = { addColorStop: () => undefined };
  const target: Record<string, unknown> = {
    canvas,
    measureText: (text: string) => ({ width: text.length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }),
    createLinearGradient: () => gradient,
    createRadialGradient: () => gradient,
    createPattern: () => null,
    getImageData: () => ({ data: new Uint8ClampedArray(4) }),
    getLineDash: () => [],
    isPointInPath: () => false,
    getTransform: () => ({ a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 }),
  };
  return new Proxy(target, {
    get(t, key: string) {
      if (key in t) return t[key];
      return () => undefined;
    },
    set(t, key: string, value) {
      t[key] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', {
  configurable: true,
  value: function getContext(this: HTMLCanvasElement) {
    return fakeContext(this);
  },
});

class FakeResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
vi.stubGlobal('ResizeObserver', FakeResizeObserver);

afterEach(() => {
  cleanup();
  setVsCodeApi(undefined);
});
