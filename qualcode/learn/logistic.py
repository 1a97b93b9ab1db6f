"""Logistic regression shrunk towards a prior: the codebook's zero-shot opinion is where the
weights start, and labelled answers move them only as far as the evidence carries.

Minimises ``sum_i s_i * logloss(y_i, x_i . w + b) + 1/2 * sum_k penalty_k * (w_k - prior_k)^2``.
With ``prior = 0`` and ``penalty = 1 / C`` it is scikit-learn's L2 ``LogisticRegression(C)``.
"""
import numpy as np
from scipy import sparse
from scipy.optimize import minimize
from scipy.special import expit, log_expit


class PriorLogisticRegression:
    """Binary logistic regression with an L2 penalty around ``prior`` (scikit-learn style).

    Parameters
    ----------
    prior : array of shape (n_features,)
        The weights assumed before seeing labels.
    penalty : array of shape (n_features,)
        How strongly each weight is held to its prior (``1 / C`` in scikit-learn terms).
    """

    def __init__(self, prior, penalty):
        self.prior = prior
        self.penalty = penalty

    def fit(self, X, y, sample_weight=None):
        """Fit on ``X`` (n, d; dense or sparse) and 0/1 labels ``y``; learned ``coef_`` (d,) and ``intercept_``."""
        X, y = _matrix(X), np.asarray(y, dtype=float)
        prior, penalty = np.broadcast_to(self.prior, X.shape[1]), np.broadcast_to(self.penalty, X.shape[1])
        if X.ndim != 2 or len(y) != X.shape[0] or not set(np.unique(y)) <= {0.0, 1.0}:
            raise ValueError("X must be (n, d) and y n labels that are 0 or 1")
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
        sign = 2 * y - 1

        def loss(theta):
            w, b = theta[:-1], theta[-1]
            margin = sign * (X @ w + b)
            gradient_margin = -weight * expit(-margin) * sign
            value = -np.sum(weight * log_expit(margin)) + 0.5 * np.sum(penalty * (w - prior) ** 2)
            gradient = np.append(X.T @ gradient_margin + penalty * (w - prior), gradient_margin.sum())
            return value, gradient

        start = np.append(prior, 0.0)
        result = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 1000})
        self.coef_, self.intercept_ = result.x[:-1], float(result.x[-1])
        return self

    def decision_function(self, X):
        """The log-odds ``X . coef_ + intercept_``."""
        return _matrix(X) @ self.coef_ + self.intercept_

    def predict_proba(self, X):
        """The probability of the positive class, shape (n,)."""
        return expit(self.decision_function(X))


def _matrix(X):
    return X.tocsr().astype(float) if sparse.issparse(X) else np.asarray(X, dtype=float)
