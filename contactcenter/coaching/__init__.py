"""Call coaching (samtalshandledning): a supervisor listens to, whispers to or joins a
nurse's call; every listen is logged with who, when, which call, the mode and why."""
