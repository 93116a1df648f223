"""The students drawn in a plane: v̄ and the students' main orthogonal direction.

Input is the engine's reduced coordinates, coords : (R, n, k), whose first basis
vector is v̄, so coords[..., 0] = h_i and coords[..., 1:] = z_i.
"""

import numpy as np


def main_orthogonal_direction(coords: np.ndarray) -> np.ndarray:
    """Unit vector u : (k-1,) along which the z_i spread most, over the whole run.

    One direction for all records keeps the picture still while the time slider
    moves. Each record is normalised first: z shrinks like 1/t in the slow phase,
    and unnormalised early records would decide alone. Sign fixed so the largest
    entry of u is positive (an SVD sign is arbitrary). Zero vector when no z_i is
    ever non-zero (n = 1 aligned with v, or k = 1).
    """
    z = coords[..., 1:]
    if z.shape[-1] == 0:
        return np.zeros(0)
    scale = np.linalg.norm(z, axis=(1, 2), keepdims=True)
    z = np.divide(z, scale, out=np.zeros_like(z), where=scale > 0)
    stacked = z.reshape(-1, z.shape[-1])
    if not np.any(stacked):
        return np.zeros(z.shape[-1])
    u = np.linalg.svd(stacked, full_matrices=False)[2][0]
    return u * np.sign(u[np.argmax(np.abs(u))])


def plane_coordinates(coords: np.ndarray, u: np.ndarray) -> np.ndarray:
    """(..., n, 3): h_i (along v̄), z_i · u (in-plane), ‖z_i − (z_i·u)u‖ (off-plane).

    coords : (..., n, k); u : (k-1,) from `main_orthogonal_direction`. The
    off-plane part is returned so the chart can say what the plane hides.
    """
    h = coords[..., 0]
    if u.size == 0:
        return np.stack([h, np.zeros_like(h), np.zeros_like(h)], axis=-1)
    z = coords[..., 1:]
    along = z @ u
    off = np.linalg.norm(z - along[..., None] * u, axis=-1)
    return np.stack([h, along, off], axis=-1)
