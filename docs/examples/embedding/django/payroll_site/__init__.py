"""The example Django site that embeds perfrules."""
