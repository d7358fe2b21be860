"""The terminal nurse console: a Textual presentation of the console API (``radgivning
console``). It talks to the service over HTTP and the WebSocket only."""
