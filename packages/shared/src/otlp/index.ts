// Public surface of the OTLP codec (filled in by the codec modules).
export {};
