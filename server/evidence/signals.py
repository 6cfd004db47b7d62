"""Signals evidence sends, so apps above it react to photos without evidence importing them."""

from django.dispatch import Signal

# Sent inside the verifying transaction once a photo is stored and checked; keyword
# argument `attachment`. A receiver's failure rolls the completion back with it.
photo_completed = Signal()
