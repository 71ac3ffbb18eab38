// Neural: the inference core shared by every model (tensors, kernels, model readers).
