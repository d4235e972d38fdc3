from lms.formats.es.formats import *  # noqa: F403 - same Peruvian date shapes

FIRST_DAY_OF_WEEK = 0
