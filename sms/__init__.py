"""SMS links from the IVR and from the nurse (länk via sms)."""
