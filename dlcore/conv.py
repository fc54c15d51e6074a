r"""2-D convolution, the operation of a convolutional layer (forward only, a preview).

A kernel (a small grid of weights) slides over the image; at each position the output is
the weighted sum of the pixels under it:

$$\text{out}[i, j] = \sum_{u=0}^{k_h-1} \sum_{v=0}^{k_w-1}
\text{image}[i s + u,\, j s + v]\; \text{kernel}[u, v]$$

with stride $s$. Like deep-learning libraries, this is a cross-correlation (the kernel is
not flipped). "Valid" means the kernel stays inside the image, so the output has
$\lfloor (H - k_h)/s \rfloor + 1$ rows and $\lfloor (W - k_w)/s \rfloor + 1$ columns.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .validation import as_array, check_positive


def conv2d(image: object, kernel: object, stride: int = 1) -> np.ndarray:
    """Valid 2-D cross-correlation of ``image (H, W)`` with ``kernel (kh, kw)``.

    Returns the feature map of shape ``((H - kh) // stride + 1, (W - kw) // stride + 1)``.
    """
    image = as_array(image, "image", ndim=2)
    kernel = as_array(kernel, "kernel", ndim=2)
    stride = check_positive(stride, "stride", integer=True)
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(
            f"kernel must fit inside image; got kernel of shape {kernel.shape} "
            f"for an image of shape {image.shape}"
        )
    # windows[i, j] is the patch under the kernel at output position (i, j)
    windows = sliding_window_view(image, kernel.shape)[::stride, ::stride]
    feature_map: np.ndarray = np.einsum("ijuv,uv->ij", windows, kernel)
    return feature_map
