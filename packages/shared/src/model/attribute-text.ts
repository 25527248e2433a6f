// Text form of attribute values for storage (filled in by the storage work).
export {};
