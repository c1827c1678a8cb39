"""Face-following crop paths for clipforge: decode sampled frames, detect faces, follow one."""
