// The names a job writes into its output folder (render: clip-N.*, finalize: the manifest and the
// report), and their temporary forms while being written (adapters/local/diskStorage.ts). One
// pattern, for what a run may replace and what a failed run takes back.
export const OUTPUT_NAME = /^\.?(clip-\d+\.(mp4|srt|vtt|jpg)|clips\.json|report\.html)(\.partial-[0-9a-f]+\.\w+)?$/;
