"""`make demo`: the main job on the embedded default data, written to runs/demo/.

Until the training chapter lands this shows what exists: the digits hyper-parameters (Appendix B), a picture of the
Poisson field lines, and PFGM prior samples against the data's norm.
"""
import argparse, json, math, pathlib, time

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import torch
from tqdm import tqdm

from pfgm_nb.data import load_dataset
from pfgm_nb.field import pfgm_perturb, pfgm_target, plot_field_lines
from pfgm_nb.prior import data_norm, hyperparams, pfgm_prior


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--out', default='runs/demo', help='output folder (default runs/demo)')
    args = parser.parse_args()
    out = pathlib.Path(args.out); out.mkdir(parents=True, exist_ok=True)
    steps = tqdm(total=4, desc='demo', unit='step')

    digits = load_dataset('digits')
    hp = hyperparams(data_norm(digits), digits[0].numel())
    report = dict(dataset='digits', n=len(digits), data_dim=digits[0].numel(), data_norm=data_norm(digits), **hp._asdict())
    steps.update(); steps.set_postfix_str(f"M={hp.M}")

    ax = plot_field_lines(torch.tensor([[-1.5], [-1.2], [0.3], [1.0], [1.1]]), extent=4, hemisphere=3.5)
    ax.set_title('Poisson field of five charges on a line (N = 1)')
    ax.figure.savefig(out / 'field_lines.png', dpi=120, bbox_inches='tight'); plt.close(ax.figure)
    steps.update()

    gen = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    x_pert, z = pfgm_perturb(digits[:128], hp.M, generator=gen)
    target = pfgm_target(torch.cat([x_pert.flatten(1), z[:, None]], 1), digits)
    report['target_seconds_b128_B1797'] = time.perf_counter() - start
    report['target_norm_range'] = [target.norm(dim=1).min().item(), target.norm(dim=1).max().item()]
    steps.update()

    prior_x, _ = pfgm_prior(20000, (1, 8, 8), hp.z_max, hp.upper_norm, generator=gen)
    norms = prior_x.flatten(1).norm(dim=1)
    report['prior_mean_norm'] = norms.mean().item()
    report['prior_fraction_on_clip'] = (norms > hp.upper_norm * (1 - 1e-5)).float().mean().item()
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.hist(torch.log10(norms).numpy(), bins=100)
    ax.axvline(math.log10(hp.upper_norm), color='crimson', ls='--', label='upper_norm (clip)')
    ax.set(xlabel='log10 prior norm', ylabel='count', title=f'PFGM prior on digits (z_max = {hp.z_max:.3f})'); ax.legend()
    fig.savefig(out / 'prior_norms.png', dpi=120, bbox_inches='tight'); plt.close(fig)
    steps.update(); steps.close()

    (out / 'demo.json').write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print(f"wrote {out}/field_lines.png, {out}/prior_norms.png, {out}/demo.json")


if __name__ == '__main__':
    main()
