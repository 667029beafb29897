"""Analysis on top of the indicators: pure numeric methods (forecasting, statistical process control)."""
