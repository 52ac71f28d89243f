"""Writes of the certificates app: issuance, revocation, status lists, PDFs."""
