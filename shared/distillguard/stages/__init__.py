"""One function per stage: read the input object, run the domain code, write the outputs.

Outputs are written before the manifest, and every key is derived from what the stage read (validate: the batch
of raw objects; classify: its validated object), so a stage that fails half-way and is retried overwrites its
partial outputs instead of duplicating them.

Each stage is its own module (``stages.validate``, ``stages.classify``, ``stages.aggregate``) so that a function
imports only the code of its own stage: classify's cold start does not pay for validation and aggregation."""
