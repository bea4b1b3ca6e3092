"""The web page served by the hub: Interactions page, contacts and each contact's Activity tab."""
