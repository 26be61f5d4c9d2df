"""Versioned documents: a policy's recorded versions (Open Terms Archive layouts), references to
one version (``PATH@REF``), the clause diff of two versions, and carrying annotations through them."""
