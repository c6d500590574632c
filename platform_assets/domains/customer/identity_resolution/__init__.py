"""Identity resolution: which source records are the same customer.

Splink (Fellegi-Sunter) scores the blocked pairs of ``silver.customer_records`` with the
trained, versioned model in ``model/``; the links above its threshold are clustered into
customers whose ``customer_key`` survives from run to run; pairs near the threshold go to
a review table. See docs/identity-resolution.md.
"""
