"""Fakes for what cannot run on this machine (Kubernetes API, helm); each one named a fake."""
