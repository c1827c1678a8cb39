// The names a job writes into its output folder (render: clip-N.* and an edit's clip-N.vK.*,
// finalize: the manifest and the report; what a re-render needs: job.json, transcript.json and a
// fetched source), and their temporary forms while being written (adapters/local/diskStorage.ts). One
// pattern, for what a run may replace and what a failed run takes back.
export const OUTPUT_NAME =
  /^\.?(clip-\d+(\.v\d+)?\.(mp4|srt|vtt|jpg)|clips\.json|report\.html|job\.json|transcript\.json|source\.\w+)(\.partial-[0-9a-f]+\.\w+)?$/;
