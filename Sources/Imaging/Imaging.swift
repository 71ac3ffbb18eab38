// Imaging: the image type, codecs (JPEG, PNG, PNM), resizing, cropping, warping and colour conversion.
