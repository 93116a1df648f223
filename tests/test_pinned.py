"""Today's numbers, pinned: the paper's setting must give them after every change.

Generated once from the engine before the Beyond-the-paper fields existed (commit
031d906) and never regenerated: a change that moves these numbers changed the
defaults. Tolerances: 1e-12 relative for GD and SGD (bit-identical on one machine,
DESIGN §4 allows 1e-12 across machines), 1e-9 for gradient flow (an adaptive
solver); losses at the rounding floor (~1e-32) compare absolutely.
"""

import numpy as np
import pytest

from neuronlab import RunConfig, simulate

PINNED = {
    "gd_default": {
        "config": {"steps": 5000},
        "status": "completed",
        "records": 65,
        "steps": [0, 10, 35, 126, 398, 1413, 5000],
        "loss": [
            0.2399399978205876,
            0.013684886624177857,
            0.00011008328536351817,
            3.48568314440293e-05,
            4.892260049445337e-06,
            2.2628335338517762e-07,
            6.534679919876067e-09,
        ],
        "final_W": [
            0.34601622891792205,
            -0.0004840722158357154,
            0.0009600941305087489,
            -1.3605108184065289e-05,
            -0.0002847283427365879,
            0.0002867228568300875,
        ],
    },
    "gd_figure1": {
        "config": {"n": 5, "d": 5, "sigma": 0.1, "eta": 0.05, "steps": 2000, "seed": 3},
        "status": "completed",
        "records": 58,
        "steps": [0, 9, 28, 79, 251, 708, 2000],
        "loss": [
            0.16188451336865467,
            0.06201082778547502,
            0.014194582651586444,
            0.0021467161897973683,
            0.00010907468889259876,
            6.514804131164264e-06,
            3.6275822970725666e-07,
        ],
        "final_W": [
            0.3665817018545194,
            -0.0059556496467547465,
            0.0017569348748547639,
            0.0004198971646958134,
            -0.005104706534411195,
            0.15845886079901353,
        ],
    },
    "gd_n1": {
        "config": {"n": 1, "d": 4, "sigma": 0.1, "eta": 0.5, "steps": 300, "seed": 1},
        "status": "completed",
        "records": 41,
        "steps": [0, 6, 14, 32, 63, 141, 300],
        "loss": [
            0.22160135303826461,
            0.011802689905660661,
            0.000119786064560281,
            3.811162626976307e-09,
            6.836884995877182e-17,
            1.232622372415779e-32,
            1.232595164407831e-32,
        ],
        "final_W": [
            0.9999999999999998,
            7.419041601280394e-39,
            2.983778333281843e-39,
            -1.176723979473381e-38,
        ],
    },
    "gd_diverged": {
        "config": {"n": 3, "d": 6, "sigma": 0.5, "eta": 3.0, "steps": 1000, "seed": 2},
        "status": "diverged",
        "records": 8,
        "steps": [0, 1, 2, 3, 4, 5, 6],
        "loss": [
            1.404490541172435,
            9.576660671157711,
            109.40746213763184,
            1313.428301742963,
            16003.502125678371,
            195743.76453611325,
            2396822.1095171995,
        ],
        "final_W": [
            -334.20492936069104,
            -115.1115931560693,
            108.2739660143975,
            -631.2782429467916,
            728.5206558253847,
            -14.674705032977883,
        ],
    },
    "flow": {
        "config": {
            "n": 3,
            "d": 8,
            "sigma": 0.05,
            "eta": 0.1,
            "steps": 1000000,
            "method": "flow",
            "seed": 4,
        },
        "status": "completed",
        "records": 111,
        "steps": [0, 25, 200, 1778, 14125, 112202, 1000000],
        "loss": [
            0.25239810603415824,
            0.002888609910096359,
            5.2364717624997616e-05,
            1.4244380643602258e-07,
            3.1659380123551983e-10,
            6.426194335473903e-13,
            9.10228253536839e-16,
        ],
        "final_W": [
            0.432399942505009,
            -3.972445666182269e-06,
            6.947191261912407e-06,
            6.12811734995651e-07,
            -5.971888615695527e-06,
            2.2569827197811309e-07,
        ],
    },
    "sgd": {
        "config": {
            "n": 2,
            "d": 4,
            "sigma": 0.1,
            "eta": 0.2,
            "steps": 500,
            "method": "sgd",
            "samples": 64,
            "batch": 16,
            "seed": 5,
        },
        "status": "completed",
        "records": 45,
        "steps": [0, 7, 16, 40, 89, 200, 500],
        "loss": [
            0.1949571642003515,
            0.02276058477540965,
            0.004035443609885432,
            0.0003587943828017261,
            7.887397993679165e-05,
            1.2179194499041664e-05,
            1.0680678492602252e-06,
        ],
        "final_W": [
            0.3286981518795885,
            -0.008675108750695538,
            -0.0089831273791137,
            0.003238448451305209,
            0.6713392005907743,
            0.00884708425098995,
        ],
    },
}


@pytest.mark.parametrize("name", list(PINNED))
def test_defaults_reproduce_pinned_numbers(name):
    pinned = PINNED[name]
    traj = simulate(RunConfig(**pinned["config"]))
    rtol = 1e-9 if traj.config.method == "flow" else 1e-12
    assert traj.status == pinned["status"]
    assert len(traj.steps) == pinned["records"]
    index = np.searchsorted(traj.steps, pinned["steps"])
    np.testing.assert_array_equal(traj.steps[index], pinned["steps"])
    np.testing.assert_allclose(traj.loss[index], pinned["loss"], rtol=rtol, atol=1e-30)
    scale = float(np.abs(traj.final_W).max())
    np.testing.assert_allclose(
        traj.final_W.ravel()[:6], pinned["final_W"], rtol=rtol, atol=1e-14 * scale
    )
