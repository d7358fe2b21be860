"""Referral catalog (hänvisningskatalog): each region's care units and their opening hours."""
