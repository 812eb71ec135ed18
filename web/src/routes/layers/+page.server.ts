import { fail } from '@sveltejs/kit';
import { deleteLayer, listLayers, setLayerSlices, type Slice } from '$calendar/layers/index.ts';
import { DomainError, httpStatusOf } from '$calendar/errors.ts';
import { data } from '$lib/server/db.ts';
import { field, uiContext } from '$lib/server/actions.ts';
import { redirectWithFlash } from '$lib/server/flash.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({ layers: await listLayers(data()) });

/** "start-<key>" and "end-<key>" percent fields → slices as fractions; a field that is not a number stays NaN (the domain names it). */
function slicesOf(form: FormData): Record<string, Slice> {
  const slices: Record<string, Slice> = {};
  for (const [name, value] of form.entries()) {
    const match = /^start-(.+)$/.exec(name);
    if (!match) continue;
    const key = match[1]!;
    const pct = (raw: FormDataEntryValue | null) => (typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim().replace(',', '.')) / 100 : Number.NaN);
    slices[key] = [pct(value), pct(form.get(`end-${key}`))];
  }
  return slices;
}

export const actions: Actions = {
  slices: async ({ request, cookies, url }) => {
    const form = await request.formData();
    const layer = field(form, 'layer') ?? '';
    try {
      await setLayerSlices(data(), layer, slicesOf(form), uiContext());
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message, layer });
      throw err;
    }
    redirectWithFlash(cookies, url, `/layers#layer-${layer}`, 'Slices saved: the power checks use the new shares.');
  },
  remove: async ({ request, cookies, url }) => {
    const layer = field(await request.formData(), 'layer') ?? '';
    try {
      await deleteLayer(data(), layer, uiContext());
    } catch (err) {
      if (err instanceof DomainError) return fail(httpStatusOf(err), { error: err.message, layer });
      throw err;
    }
    redirectWithFlash(cookies, url, '/layers', `Layer ${layer} removed.`);
  }
};
