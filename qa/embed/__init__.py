"""Step 2: turning text into vectors: the Embedder protocol, its runtimes (ONNX, PyTorch) and query adapters."""
