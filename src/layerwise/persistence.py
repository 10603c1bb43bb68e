"""The old home of model files, kept so ``layerwise.persistence`` imports still work: see layerwise.io."""

from .io.modelfile import FORMAT, FORMAT_VERSION, METADATA_KEY, ModelFileError, build, load, read, save

__all__ = ["save", "load", "read", "build", "ModelFileError", "FORMAT", "FORMAT_VERSION", "METADATA_KEY"]
