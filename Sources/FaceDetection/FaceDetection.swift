// FaceDetection: BlazeFace short and full range, decoded as MediaPipe 0.10.14 does.
