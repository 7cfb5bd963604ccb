import { Loader } from "@googlemaps/js-api-loader";

const loader = new Loader({
  apiKey: "AIzaFblOo_8Lw2DGmmPfKfjxhCjIZLg8hJIsXYM", // ruleid: hardcoded-cloud-credentials
  version: "weekly",
});

export async function showStore(el, store) {
  const fallbackKey = process.env.MAPS_API_KEY; // ok: hardcoded-cloud-credentials
  const { Map } = await loader.importLibrary("maps");
  return new Map(el, { center: store.location, zoom: 14, key: fallbackKey });
}
