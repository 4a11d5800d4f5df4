"""Lifecycle status: customer, former customer, known or new prospect, per line of business and overall."""
