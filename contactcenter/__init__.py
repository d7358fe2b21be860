"""The running service: ARI call control, IVR, the ARI simulator, settings, CLI and web server.

``contactcenter`` is the composition root. No other package imports it.
"""
