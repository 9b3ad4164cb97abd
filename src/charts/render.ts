/** Rasterises SVG with resvg using bundled DejaVu fonts, so output is identical on machines without system fonts. */
import { createRequire } from 'node:module';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { FONT_FAMILY } from './theme.js';

const FONT_PACKAGE = 'dejavu-fonts-ttf';
// Regular and bold are the only faces the charts use; loading just these keeps start-up fast.
const FONT_FILE_NAMES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'] as const;

let cachedFontFiles: string[] | undefined;

/** Absolute paths of the bundled font files, resolved through Node's module resolution. */
export function chartFontFiles(): string[] {
  if (!cachedFontFiles) {
    const require = createRequire(import.meta.url);
    try {
      cachedFontFiles = FONT_FILE_NAMES.map((name) => require.resolve(`${FONT_PACKAGE}/ttf/${name}`));
    } catch (error) {
      throw new Error(`Chart fonts not found: install the '${FONT_PACKAGE}' npm package`, { cause: error });
    }
  }
  return cachedFontFiles;
}

function renderOptions(): ResvgRenderOptions {
  return {
    fitTo: { mode: 'original' },
    font: { fontFiles: chartFontFiles(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    logLevel: 'off',
  };
}

export interface RasterImage {
  width: number;
  height: number;
  /** Straight RGBA, 4 bytes per pixel, row-major. */
  pixels: Buffer;
}

export function renderSvgToPng(svg: string): Buffer {
  return new Resvg(svg, renderOptions()).render().asPng();
}

/** Raw pixels, for callers (and tests) that need to inspect the rendering rather than store it. */
export function rasterizeSvg(svg: string): RasterImage {
  const image = new Resvg(svg, renderOptions()).render();
  return { width: image.width, height: image.height, pixels: image.pixels };
}
