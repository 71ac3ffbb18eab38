// Emotion: mini-Xception classifier, the centroid method, smoothing and per-site policy.
