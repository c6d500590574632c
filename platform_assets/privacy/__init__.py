"""Personal data protected for real: keyed digests that stand for a person without
revealing them, erasure from every layer with a suppression list and an append-only
log, retention purges, and the refusal to run Beta and GA customer assets without a
configured pseudonym key."""
