"""Mi cuenta: a person's own account, personal data, consent and erasure."""
