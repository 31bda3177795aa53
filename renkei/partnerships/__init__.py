"""Strategic partnerships: partners, unit teams, phases, agreements (versioned lifecycle), activities, mobility, joint funds, joint degrees."""
