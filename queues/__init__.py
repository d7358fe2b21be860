"""Queue engine (kö): regional, national and night-collaboration queues and nurse state.

Version 0 holds a plain FIFO per region and one nurse state machine; the full
engine (collaboration, overflow, callback) builds on the same model.
"""
