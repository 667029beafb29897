"""Argon2id password hashing with the parameters OWASP's Password Storage Cheat Sheet recommends (19 MiB of
memory, 2 iterations, 1 lane), rather than Django's heavier default (100 MiB, 8 lanes).

Measured on the 2-core machine this service is sized for: Django's default costs about 200 ms of CPU a
sign-in, so 50 people signing in at 9 o'clock hold both cores for 10 s and every page waits; these
parameters cost about 25 ms. Lockout (django-axes) bounds guessing online; Argon2id's memory-hardness keeps a
stolen database expensive to attack offline. A hash made with other parameters is still checked, and is
upgraded to these the next time its owner signs in."""

from __future__ import annotations

import argon2
from django.contrib.auth.hashers import Argon2PasswordHasher

VARIANT = argon2.low_level.Type.ID  # Django hashes with Argon2id; imported here so a missing package fails at start


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
